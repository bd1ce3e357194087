"""Common given names and surnames by origin, most common first.

Each origin has a share of households (roughly the make-up of the US population, coarsened) and
ranked lists of surnames and of male and female given names. Compound given names ("Mary Ann",
"Jean-Pierre"), particles ("De La Cruz", "Van der Berg"), apostrophes ("O'Brien") and prefixes
("McDonald") are there on purpose: they are where real lists disagree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """One naming tradition: its share of households and its ranked name lists."""

    name: str
    share: float
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    #: share of people of this origin who carry a middle name at all
    middle_rate: float = 0.6
    #: share of households whose head carries two surnames ("Garcia Lopez")
    compound_rate: float = 0.0


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


ORIGINS: tuple[Origin, ...] = (
    Origin(
        "anglo", 0.47,
        _split("""Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Thomas, Taylor,
        Moore, Jackson, Martin, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King,
        Wright, Scott, Hill, Green, Adams, Nelson, Baker, Hall, Campbell, Mitchell, Carter, Roberts,
        Phillips, Evans, Turner, Parker, Collins, Edwards, Stewart, Morris, Murphy, Cook, Rogers, Morgan,
        Cooper, Peterson, Reed, Bailey, Bell, Kelly, Howard, Ward, Cox, Richardson, Wood, Watson, Brooks,
        Bennett, Gray, James, Hughes, Price, Sanders, Myers, Long, Ross, Foster, Powell, Jenkins, Perry,
        Russell, Sullivan, Fisher, Henderson, Coleman, Simmons, Patterson, Jordan, Reynolds, Hamilton,
        Graham, Wallace, Washington, Butler, Barnes, Gibson, Ellis, Marshall, Owens, Harrison, Fletcher,
        O'Brien, O'Connor, O'Neill, McDonald, MacDonald, McCarthy, McLaughlin, McKenzie, Fitzgerald,
        Gallagher, Donovan, Kennedy, Byrne, Quinn, Doyle, Walsh, Burke, Dunn, Hayes, Boyd, Mason, Warren,
        Dixon, Ramsey, Freeman, Wells, Webb, Tucker, Porter, Hunter, Hicks, Crawford, Henry, Black, Palmer,
        St. Clair, Lloyd, Vaughn, Holmes, Sharpe, Whitfield, Blackwell, Holloway, Pruitt, Merriweather"""),
        _split("""James, John, Robert, Michael, William, David, Richard, Joseph, Thomas, Charles,
        Christopher, Daniel, Matthew, Anthony, Mark, Donald, Steven, Paul, Andrew, Joshua, Kenneth, Kevin,
        Brian, George, Timothy, Ronald, Edward, Jason, Jeffrey, Ryan, Jacob, Gary, Nicholas, Eric,
        Jonathan, Stephen, Larry, Justin, Scott, Brandon, Benjamin, Samuel, Gregory, Alexander, Frank,
        Patrick, Raymond, Jack, Dennis, Jerry, Tyler, Aaron, Henry, Adam, Douglas, Nathan, Peter,
        Zachary, Kyle, Walter, Harold, Jeremy, Ethan, Carl, Keith, Roger, Gerald, Christian, Terry, Sean,
        Arthur, Austin, Noah, Lawrence, Jesse, Bryan, Billy, Jordan, Albert, Dylan, Bruce, Willie, Gabriel,
        Alan, Logan, Wayne, Ralph, Roy, Eugene, Randy, Vincent, Russell, Louis, Philip, Bobby, Johnny,
        Bradley, Marcus, Andre, Darnell, Jamal, DeShawn, Tyrone, Terrell, Malik, Reginald, Darius,
        Lamar, Cedric, Jerome, Demetrius, John Paul, Billy Ray"""),
        _split("""Mary, Patricia, Jennifer, Linda, Elizabeth, Barbara, Susan, Jessica, Sarah, Karen, Lisa,
        Nancy, Betty, Margaret, Sandra, Ashley, Kimberly, Emily, Donna, Michelle, Carol, Amanda, Dorothy,
        Melissa, Deborah, Stephanie, Rebecca, Sharon, Laura, Cynthia, Kathleen, Amy, Angela, Shirley,
        Anna, Brenda, Pamela, Emma, Nicole, Helen, Samantha, Katherine, Christine, Debra, Rachel,
        Carolyn, Janet, Catherine, Heather, Diane, Ruth, Julie, Olivia, Joyce, Virginia, Victoria,
        Kelly, Lauren, Christina, Joan, Evelyn, Judith, Megan, Andrea, Cheryl, Hannah, Jacqueline,
        Martha, Gloria, Teresa, Ann, Sara, Madison, Frances, Kathryn, Janice, Jean, Abigail, Alice,
        Judy, Sophia, Grace, Denise, Amber, Doris, Marilyn, Danielle, Beverly, Isabella, Theresa, Diana,
        Natalie, Brittany, Charlotte, Kayla, Alexis, Lori, Tamika, LaToya, Keisha, Ebony, Shanice,
        Imani, Aaliyah, Latasha, Mary Ann, Mary Beth, Sue Ellen"""),
        middle_rate=0.75,
    ),
    Origin(
        "german_nordic", 0.05,
        _split("""Mueller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
        Koch, Richter, Klein, Wolf, Schroeder, Neumann, Schwarz, Zimmermann, Braun, Hartmann, Krueger,
        Lange, Werner, Schmitt, Vogel, Keller, Frank, Berger, Kaiser, Fuchs, Vogt, Stein, Jaeger, Otto,
        Sommer, Gross, Seidel, Heinrich, Brandt, Haas, Schreiber, Graf, Dietrich, Kuhn, Van Dyke,
        Van der Berg, Vanderpool, Olson, Hansen, Larsen, Nielsen, Johansson, Lindqvist, Berg, Lund,
        Swanson, Carlson, Gustafson, Halvorsen, Eriksen, Jorgensen, Andersen, Kristiansen"""),
        _split("""Hans, Karl, Klaus, Juergen, Stefan, Wolfgang, Michael, Andreas, Thomas, Peter, Markus,
        Frank, Matthias, Christian, Lars, Erik, Nils, Sven, Anders, Johan, Henrik, Gunnar, Olaf, Dieter,
        Friedrich, Heinz, Walter, Gerhard, Ernst, Otto, Karl-Heinz, Hans-Peter, Jan, Dirk, Bjorn"""),
        _split("""Ursula, Monika, Petra, Sabine, Andrea, Claudia, Susanne, Birgit, Karin, Gabriele, Heike,
        Ingrid, Helga, Renate, Anja, Katrin, Julia, Anna, Lena, Greta, Ingrid, Astrid, Karin, Sigrid,
        Annika, Freja, Linnea, Elsa, Marlene, Hannelore, Liesel, Anne-Marie"""),
    ),
    Origin(
        "italian", 0.04,
        _split("""Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno,
        Gallo, Conti, De Luca, Costa, Giordano, Mancini, Rizzo, Lombardi, Moretti, Barbieri, Fontana,
        Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, Longo, Gentile, Martinelli,
        Vitale, Lombardo, Serra, Coppola, De Santis, D'Angelo, Marchetti, Parisi, Villa, Conte, Ferraro,
        Ferri, Fabbri, Bianco, Marini, Grasso, Valentini, Messina, Sala, De Angelis, Gatti, Pellegrini,
        Palumbo, Sanna, Farina, Rizzi, Monti, Cattaneo, Morelli, Amato, Silvestri, Mazza, Testa, DiNapoli,
        LoBianco, DeMarco, DiStefano, LaRosa"""),
        _split("""Giuseppe, Giovanni, Antonio, Mario, Luigi, Francesco, Angelo, Vincenzo, Pietro, Salvatore,
        Carlo, Franco, Domenico, Bruno, Paolo, Michele, Giorgio, Aldo, Sergio, Luciano, Anthony, Joseph,
        Vincent, Dominic, Sal, Marco, Matteo, Alessandro, Lorenzo, Gianluca, Nicola, Roberto, Stefano"""),
        _split("""Maria, Anna, Giuseppina, Rosa, Angela, Giovanna, Teresa, Lucia, Carmela, Caterina,
        Francesca, Antonietta, Carla, Elena, Concetta, Rita, Margherita, Franca, Paola, Giulia, Chiara,
        Sofia, Alessandra, Valentina, Federica, Silvia, Gina, Rosemarie, Annamaria, Maria Grazia"""),
    ),
    Origin(
        "hispanic", 0.18,
        _split("""Garcia, Rodriguez, Martinez, Hernandez, Lopez, Gonzalez, Perez, Sanchez, Ramirez, Torres,
        Flores, Rivera, Gomez, Diaz, Cruz, Morales, Reyes, Gutierrez, Ortiz, Ramos, Chavez, Ruiz,
        Alvarez, Mendoza, Castillo, Jimenez, Vasquez, Moreno, Romero, Herrera, Medina, Aguilar, Vargas,
        Castro, Guzman, Fernandez, Juarez, Munoz, Mendez, Salazar, Soto, Delgado, Pena, Rios, Alvarado,
        Sandoval, Contreras, Valdez, Guerrero, Ortega, Estrada, Nunez, Maldonado, Vega, Dominguez,
        Cortez, Santiago, Figueroa, Espinoza, Navarro, Acosta, Cabrera, Zamora, Campos, Luna, Ibarra,
        Lara, Villarreal, Trujillo, Rosales, Cervantes, Miranda, Avila, Solis, Padilla, Fuentes, Cardenas,
        Velasquez, Pacheco, Ochoa, Serrano, Marquez, Carrillo, Galvan, Zuniga, De La Cruz, De Leon,
        Del Rio, De Jesus, De La Rosa, De Los Santos, Villanueva, Quintero, Barrera, Bermudez, Orozco"""),
        _split("""Jose, Juan, Luis, Carlos, Jesus, Miguel, Francisco, Antonio, Jorge, Pedro, Manuel, Alejandro,
        Ricardo, Roberto, Fernando, Javier, Rafael, Daniel, Eduardo, Raul, Sergio, Mario, Alberto, Hector,
        Arturo, Oscar, Enrique, Victor, Ramon, Armando, Ruben, Andres, Diego, Gerardo, Guillermo, Julio,
        Salvador, Ernesto, Jaime, Gabriel, Angel, Alfredo, Rodrigo, Adrian, Cesar, Ignacio, Santiago,
        Mateo, Emiliano, Joaquin, Jose Luis, Juan Carlos, Jose Antonio, Luis Miguel, Juan Pablo,
        Jose Manuel, Guadalupe, Rogelio, Efrain, Leonel"""),
        _split("""Maria, Ana, Rosa, Carmen, Juana, Guadalupe, Martha, Patricia, Elena, Laura, Leticia,
        Gabriela, Veronica, Adriana, Alejandra, Claudia, Silvia, Teresa, Lucia, Isabel, Sofia, Daniela,
        Valeria, Mariana, Ximena, Camila, Paola, Yesenia, Araceli, Beatriz, Dolores, Esperanza, Rocio,
        Marisol, Irma, Luz, Norma, Alma, Angelica, Cristina, Monica, Graciela, Margarita, Yolanda,
        Maria Elena, Maria Guadalupe, Ana Maria, Maria Jose, Maria de los Angeles, Rosario"""),
        middle_rate=0.45, compound_rate=0.3,
    ),
    Origin(
        "chinese", 0.025,
        _split("""Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He,
        Lin, Luo, Gao, Zheng, Liang, Xie, Song, Tang, Han, Feng, Deng, Cao, Peng, Zeng, Xiao, Tian,
        Dong, Pan, Yuan, Cai, Jiang, Yu, Du, Chan, Wong, Cheung, Lau, Ng, Ho, Leung, Yip, Chow, Tsang,
        Kwok, Lam, Fung, Ou-Yang, Sima"""),
        _split("""Wei, Jun, Hao, Lei, Jian, Ming, Tao, Yong, Jie, Qiang, Bin, Chao, Gang, Peng, Feng, Hui,
        Kai, Long, Xin, Yi, Zhiwei, Jianguo, Xiaoming, Haoran, Zihao, Yuxuan, Kevin, David, Michael,
        Eric, Jason, Vincent, Kenneth, Wing, Kwok-Wai, Chi-Ming"""),
        _split("""Li, Fang, Ying, Jing, Yan, Min, Hong, Xia, Mei, Lin, Hua, Juan, Ling, Qing, Xiu, Yu,
        Xiaoyan, Lili, Yuting, Xinyi, Zixuan, Jiayi, Amy, Grace, Jenny, Helen, Michelle, Vivian, Wai-Ling,
        Mei-Ling"""),
        middle_rate=0.15,
    ),
    Origin(
        "korean", 0.01,
        _split("""Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Shin, Oh, Seo, Kwon, Hwang,
        Ahn, Song, Yoo, Hong, Jeon, Ko, Moon, Yang, Son, Baek, Heo, Nam, Shim, Noh"""),
        _split("""Min-jun, Seo-jun, Ji-ho, Jun-seo, Hyun-woo, Dong-hyun, Sung-min, Young-ho, Jae-won,
        Sang-hoon, Jin, Min, Joon, David, Daniel, Paul, Peter, John, Andrew, Steve"""),
        _split("""Seo-yeon, Ji-woo, Min-seo, Ha-eun, Soo-jin, Ji-young, Eun-ji, Hye-jin, Yoon-ah,
        Mi-kyung, Ji-min, Jin, Grace, Esther, Sarah, Christine, Jennifer, Susan, Jane, Hannah"""),
        middle_rate=0.1,
    ),
    Origin(
        "japanese", 0.006,
        _split("""Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato,
        Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Yamazaki, Mori,
        Abe, Ikeda, Hashimoto, Ishikawa, Ogawa, Okada, Fujita, Goto, Hasegawa"""),
        _split("""Hiroshi, Takashi, Kenji, Akira, Satoshi, Makoto, Yuki, Daisuke, Kazuo, Takeshi, Haruto,
        Sota, Ren, Kenta, Shota, Ryota, Masao, Tetsuya, Kenneth, Roy"""),
        _split("""Yoko, Keiko, Yuko, Kazuko, Tomoko, Akiko, Naoko, Mayumi, Yui, Sakura, Hina, Aoi, Yuna,
        Emi, Aiko, Haruka, Misaki, Noriko, Amy, Joyce"""),
        middle_rate=0.2,
    ),
    Origin(
        "vietnamese", 0.01,
        _split("""Nguyen, Tran, Le, Pham, Hoang, Huynh, Phan, Vu, Vo, Dang, Bui, Do, Ho, Ngo, Duong, Ly,
        Truong, Dinh, Lam, Mai, Trinh, Luong, Cao, Ta"""),
        _split("""Minh, Tuan, Hung, Dung, Thanh, Nam, Quang, Duc, Long, Hai, Khanh, Bao, Huy, Phuc, Son,
        Vinh, Hieu, Trung, Cuong, Tam, Kevin, Peter, Tony, Johnny"""),
        _split("""Anh, Linh, Huong, Lan, Mai, Hoa, Thu, Trang, Phuong, Thao, Ngoc, Vy, Hanh, Nhung, Hien,
        Tuyet, Kim, Loan, Diem, Uyen, Tina, Jenny, Kathy, Lily"""),
        middle_rate=0.85,
    ),
    Origin(
        "filipino", 0.012,
        _split("""Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Torres, Tomas, Andrada, Castillo,
        Flores, Villanueva, Ramos, Castro, Rivera, Aquino, Navarro, Salazar, Mercado, Dela Cruz,
        Del Rosario, Manalo, Dizon, Pascual, Gonzales, Soriano, Lim, Tan, Magbanua, Macaraeg, Pangilinan,
        Dimaculangan, Evangelista, Fernandez"""),
        _split("""Jose, Mark, John Paul, Jerome, Jomar, Rodel, Arnel, Ronaldo, Rommel, Eduardo, Reynaldo,
        Ramon, Jun, Christian, Jayson, Michael, Joseph, Angelo, Carlo, Paolo, John Carlo, Mark Anthony"""),
        _split("""Maria, Angelica, Kristine, Rowena, Marites, Maricel, Jocelyn, Rosalie, Lorna, Analyn,
        Cristina, Jennifer, Mary Grace, Mary Joy, Princess, Jasmine, Nicole, Andrea, Maria Theresa, Lovely"""),
        middle_rate=0.8,
    ),
    Origin(
        "south_asian", 0.02,
        _split("""Patel, Shah, Singh, Kumar, Sharma, Gupta, Desai, Mehta, Reddy, Rao, Iyer, Nair, Joshi,
        Agarwal, Chopra, Malhotra, Kapoor, Bhatt, Das, Banerjee, Chatterjee, Mukherjee, Khan, Ahmed,
        Chowdhury, Hussain, Pillai, Menon, Verma, Mishra, Srinivasan, Krishnan, Naidu, Choudhary,
        Thakkar, Parikh, Trivedi, Ghosh, Bose, Sen, Dutta, Siddiqui, Qureshi, Rahman, Islam"""),
        _split("""Raj, Amit, Rahul, Vijay, Sanjay, Arjun, Rohan, Anil, Suresh, Ramesh, Deepak, Ravi, Vikram,
        Karthik, Sunil, Manoj, Rajesh, Ashok, Prakash, Arun, Nikhil, Aditya, Vivek, Harpreet, Gurpreet,
        Mohammed, Imran, Farhan, Tariq, Venkata, Sai Kumar"""),
        _split("""Priya, Anjali, Pooja, Neha, Sunita, Kavita, Lakshmi, Divya, Deepa, Meena, Anita, Rekha,
        Swati, Shreya, Ananya, Aditi, Nisha, Sonia, Radha, Gita, Harpreet, Manpreet, Fatima, Ayesha,
        Nasreen, Sana, Padma, Uma, Sri Devi"""),
        middle_rate=0.35,
    ),
    Origin(
        "arabic", 0.012,
        _split("""Ahmed, Mohammed, Ali, Hassan, Hussein, Ibrahim, Mahmoud, Abdullah, Khalil, Haddad,
        Nasser, Saleh, Mansour, Yousef, Aziz, Rahman, Karim, Farah, Al-Masri, Al-Hakim, El-Sayed,
        Abdel-Rahman, Bakr, Hamdan, Issa, Khoury, Najjar, Sabbagh, Al-Amin, Abu-Ghazaleh, Othman,
        Suleiman, Darwish, Awad, Shaheen, Qasim"""),
        _split("""Mohammed, Muhammad, Mohamed, Ahmed, Ali, Omar, Youssef, Ibrahim, Hassan, Khaled, Mustafa,
        Tariq, Karim, Samir, Hussein, Mahmoud, Abdullah, Abdel Rahman, Yasser, Walid, Nabil, Fadi, Rami,
        Ziad, Bilal, Hamza, Adnan, Jamal, Majid, Sami"""),
        _split("""Fatima, Aisha, Mariam, Layla, Noor, Zainab, Huda, Rania, Yasmin, Salma, Amira, Nour,
        Hana, Leila, Sara, Dina, Lina, Rana, Samira, Maha, Reem, Suha, Nadia, Jamila, Khadija"""),
        middle_rate=0.4,
    ),
    Origin(
        "slavic", 0.02,
        _split("""Kowalski, Nowak, Wisniewski, Wojcik, Kowalczyk, Kaminski, Lewandowski, Zielinski,
        Szymanski, Wozniak, Dabrowski, Kozlowski, Jankowski, Mazur, Kwiatkowski, Ivanov, Petrov,
        Smirnov, Kuznetsov, Popov, Sokolov, Volkov, Morozov, Novak, Horvat, Kovac, Kovacs, Nagy, Szabo,
        Popescu, Ionescu, Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Melnyk, Petrenko,
        Novotny, Dvorak, Svoboda, Jovanovic, Petrovic, Nikolic, Markovic"""),
        _split("""Jan, Piotr, Pawel, Tomasz, Andrzej, Krzysztof, Marek, Michal, Ivan, Dmitri, Sergei,
        Alexei, Mikhail, Andrei, Nikolai, Vladimir, Oleksandr, Yuri, Igor, Viktor, Bogdan, Milan,
        Zoran, Stanislaw, Jaroslaw, Wojciech, Gheorghe, Istvan, Laszlo, Vasyl"""),
        _split("""Olga, Natalia, Irina, Svetlana, Anna, Katarzyna, Agnieszka, Magdalena, Malgorzata,
        Joanna, Oksana, Yulia, Tatiana, Elena, Ekaterina, Marina, Ludmila, Galina, Halyna, Ewa,
        Barbara, Zofia, Milena, Jelena, Ivana, Mariya, Daria, Alina, Ioana, Zsuzsanna"""),
        middle_rate=0.3,
    ),
    Origin(
        "african", 0.015,
        _split("""Okafor, Okonkwo, Adeyemi, Mensah, Owusu, Boateng, Asante, Diallo, Traore, Kamara, Kone,
        Ndiaye, Mwangi, Otieno, Kamau, Abebe, Tesfaye, Haile, Bekele, Girma, Osei, Nwosu, Eze, Obi,
        Balogun, Adebayo, Afolabi, Oyelaran, Nnamdi, Achebe, Danso, Appiah, Sesay, Conteh, Bangura,
        Mohamed, Warsame, Abdi, Hassan, Jama, Wolde, Gebremedhin, Kebede, Okeke, Uche"""),
        _split("""Chinedu, Chukwuemeka, Oluwaseun, Adebayo, Kwame, Kofi, Yaw, Kwabena, Abdoulaye, Mamadou,
        Ibrahima, Amadou, Ousmane, Moussa, Tesfaye, Dawit, Abebe, Yohannes, Emeka, Obinna, Tunde,
        Babajide, Olumide, Samuel, Emmanuel, Joseph, Daniel, Abdi, Abdirahman, Mohamed"""),
        _split("""Ngozi, Chioma, Adaeze, Folake, Abena, Ama, Akosua, Efua, Fatoumata, Aminata, Mariama,
        Awa, Hiwot, Selam, Meron, Tigist, Yetunde, Funmilayo, Oluwakemi, Blessing, Grace, Patience,
        Esther, Comfort, Faith, Hodan, Amina, Fadumo, Nneka, Ifeoma"""),
        middle_rate=0.5,
    ),
    Origin(
        "french_creole", 0.012,
        _split("""Jean-Baptiste, Pierre, Joseph, Louis, Charles, Francois, Toussaint, Baptiste, Desir,
        Etienne, Laurent, Lefebvre, Dubois, Moreau, Fontaine, Leblanc, Thibodeaux, Boudreaux, Guidry,
        Hebert, Landry, Broussard, Richard, Fontenot, Jean-Louis, Saint-Fleur, St. Louis, Alexis,
        Augustin, Celestin, Dorcely, Exantus, Noel, Michel, Petit-Frere, Duplessis, Beauvais"""),
        _split("""Jean, Pierre, Jean-Claude, Jean-Pierre, Jean Robert, Claude, Marc, Luc, Jacques, Andre,
        Michel, Wilner, Frantz, Ricardo, Junior, Wesner, Gerard, Yves, Rene, Philippe, Jean-Marc,
        Emmanuel, Reginald, Lucien, Fritz"""),
        _split("""Marie, Rose, Marie-Claire, Nadege, Guerline, Fabiola, Mirlande, Roseline, Claudette,
        Monique, Josette, Chantal, Nathalie, Sophie, Isabelle, Marie Carmel, Marie-Ange, Jocelyne,
        Esther, Judith, Lourdes, Micheline, Denise, Yvette, Ginette"""),
        middle_rate=0.6,
    ),
)

#: names that no master-file person is given; a non-filer living at a taxpayer's address gets one,
#: so the truth that nobody in the master file is that person holds exactly
NON_FILER_GIVEN: tuple[str, ...] = _split("""Thaddeus, Ezekiel, Cornelius, Leopold, Bartholomew, Ignatius,
    Percival, Augustus, Lysander, Evander, Octavia, Philippa, Seraphina, Wilhelmina, Henrietta, Clementine,
    Rosalind, Ottilie, Cordelia, Leocadia, Hyacinth, Perpetua""")

#: twins whose given names differ by a letter or a spelling: (name, name, sex) with sex "M" or "F"
NEAR_TWIN_NAMES: tuple[tuple[str, str, str], ...] = (
    ("John", "Jon", "M"), ("Brian", "Bryan", "M"), ("Steven", "Stephen", "M"), ("Eric", "Erik", "M"),
    ("Alan", "Allan", "M"), ("Marc", "Mark", "M"), ("Carl", "Karl", "M"), ("Philip", "Phillip", "M"),
    ("Jeffrey", "Jeffery", "M"), ("Jose", "Josue", "M"), ("Sara", "Sarah", "F"), ("Ann", "Anne", "F"),
    ("Katherine", "Catherine", "F"), ("Kristen", "Kirsten", "F"), ("Lindsay", "Lindsey", "F"),
    ("Michele", "Michelle", "F"), ("Teresa", "Theresa", "F"), ("Jillian", "Gillian", "F"),
)

#: nicknames a requester may write instead of the given name on record
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"), "Robert": ("Bob", "Rob", "Bobby"),
    "Richard": ("Rick", "Rich", "Dick"), "James": ("Jim", "Jimmy", "Jamie"), "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mikey"), "Joseph": ("Joe", "Joey"), "Thomas": ("Tom", "Tommy"),
    "Charles": ("Charlie", "Chuck"), "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",), "Anthony": ("Tony",), "Donald": ("Don", "Donnie"), "Steven": ("Steve",),
    "Stephen": ("Steve",), "Andrew": ("Andy", "Drew"), "Joshua": ("Josh",), "Kenneth": ("Ken", "Kenny"),
    "Timothy": ("Tim",), "Ronald": ("Ron", "Ronnie"), "Edward": ("Ed", "Eddie", "Ted"),
    "Jeffrey": ("Jeff",), "Nicholas": ("Nick",), "Jonathan": ("Jon",), "Benjamin": ("Ben",),
    "Samuel": ("Sam",), "Gregory": ("Greg",), "Alexander": ("Alex",), "Patrick": ("Pat",),
    "Raymond": ("Ray",), "Douglas": ("Doug",), "Peter": ("Pete",), "Zachary": ("Zach",),
    "Lawrence": ("Larry",), "Gerald": ("Jerry",), "Philip": ("Phil",), "Frederick": ("Fred",),
    "Elizabeth": ("Liz", "Beth", "Betsy"), "Margaret": ("Maggie", "Peggy", "Meg"),
    "Patricia": ("Pat", "Patty", "Trish"), "Jennifer": ("Jen", "Jenny"), "Susan": ("Sue", "Susie"),
    "Katherine": ("Kate", "Kathy", "Katie"), "Catherine": ("Cathy", "Cat"), "Kathleen": ("Kathy",),
    "Deborah": ("Deb", "Debbie"), "Debra": ("Debbie",), "Rebecca": ("Becky",), "Christine": ("Chris",),
    "Samantha": ("Sam",), "Victoria": ("Vicky", "Tori"), "Jacqueline": ("Jackie",),
    "Kimberly": ("Kim",), "Pamela": ("Pam",), "Cynthia": ("Cindy",), "Barbara": ("Barb",),
    "Judith": ("Judy",), "Abigail": ("Abby",), "Jessica": ("Jess",), "Stephanie": ("Steph",),
    "Francisco": ("Paco", "Pancho"), "Jose": ("Pepe",), "Guadalupe": ("Lupe",), "Jesus": ("Chuy",),
    "Enrique": ("Kike",), "Alejandro": ("Alex",), "Roberto": ("Beto",), "Alberto": ("Beto",),
    "Eduardo": ("Lalo",), "Ignacio": ("Nacho",), "Dolores": ("Lola",), "Rosario": ("Chayo",),
    "Mohammed": ("Mo",), "Muhammad": ("Mo",), "Dmitri": ("Dima",), "Ivan": ("Vanya",),
    "Ekaterina": ("Katya",), "Aleksandr": ("Sasha",), "Giuseppe": ("Joe", "Pino"),
    "Salvatore": ("Sal",), "Vincenzo": ("Vince",), "Oluwaseun": ("Seun",), "Chukwuemeka": ("Emeka",),
}

#: the accented spelling of names the master file holds without accents
ACCENTED: dict[str, str] = {
    "Jose": "José", "Maria": "María", "Jesus": "Jesús", "Raul": "Raúl", "Andres": "Andrés",
    "Ramon": "Ramón", "Sofia": "Sofía", "Lucia": "Lucía", "Angel": "Ángel", "Hector": "Héctor",
    "Oscar": "Óscar", "Ruben": "Rubén", "Cesar": "César", "Efrain": "Efraín", "Joaquin": "Joaquín",
    "Veronica": "Verónica", "Monica": "Mónica", "Angelica": "Angélica", "Rocio": "Rocío",
    "Pena": "Peña", "Munoz": "Muñoz", "Nunez": "Núñez", "Ibarra": "Ibarra", "Perez": "Pérez",
    "Gomez": "Gómez", "Hernandez": "Hernández", "Rodriguez": "Rodríguez", "Martinez": "Martínez",
    "Gonzalez": "González", "Lopez": "López", "Sanchez": "Sánchez", "Ramirez": "Ramírez",
    "Jimenez": "Jiménez", "Vasquez": "Vásquez", "Fernandez": "Fernández", "Dominguez": "Domínguez",
    "Diaz": "Díaz", "Alvarez": "Álvarez", "Gutierrez": "Gutiérrez", "Mendez": "Méndez",
    "Juarez": "Juárez", "Marquez": "Márquez", "Galvan": "Galván", "Zuniga": "Zúñiga",
    "Francois": "François", "Bjorn": "Björn", "Juergen": "Jürgen", "Mueller": "Müller",
    "Krueger": "Krüger", "Schroeder": "Schröder", "Lindqvist": "Lindqvist", "Istvan": "István",
    "Laszlo": "László", "Wisniewski": "Wiśniewski", "Wojcik": "Wójcik", "Dabrowski": "Dąbrowski",
    "Pawel": "Paweł", "Malgorzata": "Małgorzata", "Dvorak": "Dvořák", "Novotny": "Novotný",
}
